"""Alerts: after a scrape, tell subscribers about new opportunities that fit them, without spam.

Each resident gets at most `per_day` digests a day (campaign "digest:<resident>:<date>"), each
with up to `max_items` new matches shown as the chat's cards, and a button to stop them. An
opportunity already sent (or owed) to a resident in any campaign is never offered to them again.
Digests are delivered by the same ledger engine as broadcasts.
"""
from __future__ import annotations

import datetime as dt
from typing import Iterable

from bot.broadcast import Recipient, Targeting
from bot.conversation.cards import card, fit, shorten
from bot.delivery import Options, Progress, Scope, Sender, Tally, deliver, payload_for
from bot.messages import Button, Reply
from bot.models import Opportunity
from bot.store import Store

DIGESTS = Scope("digest:", prefix=True)
UNSUBSCRIBE = Button("Stop these alerts", data="unsub")
BUTTON_TITLE_CHARS = 40


def digest_campaign(resident_id: int, day: dt.date, number: int = 1) -> str:
    """'digest:<resident>:<date>', and ':<n>' after it for the n-th digest of a day."""
    base = f"digest:{resident_id}:{day.isoformat()}"
    return base if number == 1 else f"{base}:{number}"


def queue_alerts(store: Store, new_ids: Iterable[str], *, today: dt.date, per_day: int = 1, max_items: int = 3,
                 targeting: Targeting | None = None) -> int:
    """Owe each subscriber one digest of their best new matches, within today's allowance.

    Returns how many digests were queued. Deliver them with `deliver_alerts`.
    """
    opportunities = [o for o in (store.get_opportunity(i) for i in dict.fromkeys(new_ids))
                     if o is not None and o.is_open(today)]
    if not opportunities or per_day < 1 or max_items < 1:
        return 0
    targeting = targeting or Targeting(store, today=today)
    hidden = store.hidden_by([o.id for o in opportunities])
    subscribers = store.alert_subscribers()
    owed = store.owed_opportunities([s["id"] for s in subscribers])
    rows = []
    for sub in subscribers:
        campaign = _next_campaign(store, sub["id"], today, per_day)
        if campaign is None:
            continue
        skip = owed.get(sub["id"], set())
        fits = [(o, r) for o in opportunities if o.id not in skip and sub["id"] not in hidden.get(o.id, set())
                and (r := targeting.fit(o, sub))]
        best = sorted(fits, key=lambda pair: -pair[1].score)[:max_items]
        if best:
            rows.append({"campaign": campaign, "resident_id": sub["id"], "chat_id": sub["chat_id"],
                         "payload": payload_for(digest_reply(best), [o.id for o, _ in best])})
    return len(store.enqueue_deliveries(rows))


def _next_campaign(store: Store, resident_id: int, today: dt.date, per_day: int) -> str | None:
    """Today's next digest campaign for the resident, or None when today's allowance is used."""
    taken = len(store.campaigns_of(resident_id, digest_campaign(resident_id, today)))
    return digest_campaign(resident_id, today, taken + 1) if taken < per_day else None


def digest_reply(matches: list[tuple[Opportunity, Recipient]]) -> Reply:
    """One message: numbered cards as in chat, a link button for each, and a button to stop alerts."""
    intro = ("<b>Something new that matches what you told me:</b>" if len(matches) == 1
             else f"<b>{len(matches)} new things that match what you told me:</b>")
    parts = [intro]
    links: list[Button] = []
    for number, (opportunity, recipient) in enumerate(matches, start=1):
        shown = card(recipient.match(opportunity), None)
        parts.append(f"{number}. {shown.html}")
        links.extend(Button(f"{number}. {shorten(opportunity.title, BUTTON_TITLE_CHARS)}", url=b.url)
                     for row in shown.buttons for b in row if b.url)
    return fit(Reply("\n\n".join(parts), [[b] for b in links] + [[UNSUBSCRIBE]]))


async def deliver_alerts(store: Store, sender: Sender, *, options: Options | None = None,
                         progress: Progress | None = None) -> Tally:
    """Send every digest still owed (any day's), paced with everything else; the final tally."""
    return await deliver(store, sender, DIGESTS, options=options, progress=progress)

