"""Beat tasks of the hazards app."""

from celery import shared_task

from .services import listings_escalate_overdue


@shared_task(name="hazards.escalate_overdue_listings")
def escalate_overdue_listings_task() -> list[str]:
    """Daily (beat): an overdue 挂牌督办 escalates to a 督办函 (hazards.services.listing_escalate); safe to run twice."""
    return [letter.number for letter in listings_escalate_overdue()]
