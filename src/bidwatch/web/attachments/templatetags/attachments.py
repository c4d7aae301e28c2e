from __future__ import annotations

from typing import Any

from django import template

from bidwatch.web.attachments import kinds, services

register = template.Library()


@register.inclusion_tag("attachments/_list.html", takes_context=True)
def attachments(context: Any, obj: Any) -> dict[str, Any]:
    """The object's attachments and, for those who may add to it, the upload form."""
    request = context["request"]
    object_type = kinds.kind_of(obj)
    kind = kinds.get(object_type)
    return {"items": services.for_object(obj), "object_type": object_type, "obj": obj, "request": request,
            "may_add": kind is not None and kind.may_add(request.user, obj), "csrf_token": context.get("csrf_token"),
            "max_mb": services.MAX_BYTES // (1024 * 1024), "types": ", ".join(sorted(services.TYPES))}
