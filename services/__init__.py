"""The rules, channel-neutral: plain values in, plain values out, domain errors raised."""
