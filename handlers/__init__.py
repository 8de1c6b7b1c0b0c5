"""Features, one module each.  Every module has ``register(registry)`` adding its commands;
:mod:`bot.app.features` lists them and builds the question chain."""
