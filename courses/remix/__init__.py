"""Remixing: courses and modules derived from openly licensed work, with licence-safe results and a
full attribution chain. The model is courses.models.remix.Derivation; the licence rules are in
courses.licensing. Importing this package imports nothing else, so page models can use its forms.
"""
