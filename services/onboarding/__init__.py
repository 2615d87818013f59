"""Registration: a newcomer becomes a person, with consent, a first role or an invite."""
