"""Get Involved: connects residents to local ways to get involved."""
