"""WhatsApp through Twilio: the same Dispatcher, routers and services as Telegram."""
