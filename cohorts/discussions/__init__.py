"""Conversation in study circles: threads per circle, per meeting and per module discussion block."""
