from events.services import ParticipantData


def person(n: int, event, *, sessions=(), email=None, function="technicien") -> ParticipantData:
    return ParticipantData(
        first_name=f"Prénom{n}",
        last_name=f"Nom{n}",
        email=email or f"personne{n}@pays.test",
        function=function,
        days=list(event.days.order_by("date")),
        sessions=list(sessions),
    )
