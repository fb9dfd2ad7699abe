"""Bundled demo department sites (invented people), served on loopback for `directory demo`."""
