"""Roles after registration: a person adds a self-service role (parent, volunteer) and an
administrator revokes a staff role. The rules of who may hold what are in services/roles.py;
the last administrator's in services/admins.py."""
