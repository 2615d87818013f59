"""Pieces every feature's handlers share: formatting, menus, filters, keyboards, replies."""
