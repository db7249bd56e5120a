"""Small helpers every app shares: form submission, absolute links, time zones, queuing tasks, refusals.

Plain modules with no models, at the bottom of the layer order: any app may import them, and they
import no app.
"""
