"""OAI-PMH 2.0 at /oai/: the catalog's public courses as records (``oai_dc`` and IEEE LOM) for
library catalogues and OER harvesters, with sets by licence and language and deleted records for
courses withdrawn from the catalog (courses.models.WithdrawnCourse)."""
