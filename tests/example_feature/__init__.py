"""A whole feature as a new one is added: a package per layer, found without editing a list.

    handlers/notes/__init__.py   the feature: router, commands, hooks, reminder texts
    services/notes.py            its rules and its Hooks (/mydata, /forget, purge, due)
    models.py                    its table (in the real tree: storage/models/notes.py + a
                                 migration; here a metadata of its own, so the project's
                                 migrations stay exactly the project's schema)

tests/test_feature_shape.py plugs it into a real App and walks it through every hook.
"""
