"""Assembly and transports: the only package that knows how the process runs."""
