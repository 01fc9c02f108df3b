"""What the agency tests share: a 代办 record made through the service for a petition or a dispute."""

import datetime

from agency import services


def agency(world, matter, *, user="clerk_a", **extra):
    """A record taken on by the 乡镇(街道) secretary on 2 February 2026 (本级自查) unless ``extra`` says otherwise."""
    data = {
        "source": "本级自查",
        "included": True,
        "level": "乡镇",
        "secretary": "王书记",
        "taken_on": datetime.date(2026, 2, 2),
        **extra,
        matter._meta.model_name: matter,
    }
    return services.agency_create(actor=world.users[user], data=data)
