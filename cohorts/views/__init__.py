"""Pages of the study circles, by page group: discovery, one circle, running it, its meetings, “My learning”.

Views stay thin: they load a circle with the viewer's access through ``cohorts.access``, read through
QuerySet methods, and write through ``cohorts.services`` (``p2pu.core.forms`` runs a form through a
service and shows its refusal). Circles a person may not see answer 404, so an unlisted or draft
circle's existence is not revealed; things they may see but not do answer 403 with a reason.
"""
