"""The API's documentation page, for people: made on the server from the OpenAPI document, without script.

django-ninja's own documentation pages run Swagger UI or Redoc, scripts that the site's Content
Security Policy (no inline script, nothing from other origins) rightly refuses. This page reads
the same document and writes it as HTML in the site's look: the operations with their
parameters, answers and an example each, every type of the answers with its fields, and every
code with its label. The document's words are English; here each is translated like the rest of
the interface (api/schemas.py marks them).
"""

import json
from dataclasses import dataclass, field

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from . import problems
from .endpoints import api
from .schemas import CODE_CHOICES

# An example query of a list (an operation on one thing takes the example of its path parameter).
EXAMPLE_QUERIES = {"listProjects": "?status=ongoing&fund=amif&sort=-start", "listOrganisations": "?page=2&page_size=10"}
# What an example answer shows where the document gives no example of its own.
PLACEHOLDERS = {"string": "…", "integer": 1, "boolean": True, "number": 1}
EXAMPLE_DATE = "2015-09-01"
REF = "#/components/schemas/"


@dataclass
class Field:
    name: str
    type: "TypeText"
    required: bool
    description: str
    codes: list = field(default_factory=list)
    default: str = ""


@dataclass
class TypeText:
    """A type as the page writes it: words, and the type it links to where it is one of the document's."""

    words: str
    link: str = ""


@dataclass
class Operation:
    anchor: str
    method: str
    path: str
    summary: str
    description: str
    parameters: list
    responses: list
    result: TypeText
    example_url: str
    example: str


def labels_of_codes():
    """{frozenset of codes: {code: label}} for every set of codes the API uses, labels in the active language."""
    return {
        frozenset(choices.values): {value: str(label) for value, label in choices.choices} for choices in CODE_CHOICES
    }


class Reader:
    """Reads the OpenAPI document into what the page shows."""

    def __init__(self, schema):
        self.schema = schema
        self.components = schema.get("components", {}).get("schemas", {})
        self.labels = labels_of_codes()

    def resolve(self, node):
        while "$ref" in node:
            node = self.components[node["$ref"].removeprefix(REF)]
        return node

    def type_of(self, node):
        if "$ref" in node:
            name = node["$ref"].removeprefix(REF)
            return TypeText(name, link=f"#type-{name}")
        variants = node.get("anyOf") or node.get("oneOf")
        if variants:
            named = [variant for variant in variants if variant.get("type") != "null"]
            inner = self.type_of(named[0]) if len(named) == 1 else TypeText(_("one of several"))
            if len(named) < len(variants):
                return TypeText(_("%(type)s or null") % {"type": inner.words}, link=inner.link)
            return inner
        kind = node.get("type")
        if kind == "array":
            inner = self.type_of(node.get("items", {}))
            return TypeText(_("list of %(type)s") % {"type": inner.words}, link=inner.link)
        if "enum" in node or "const" in node:
            return TypeText(_("code"))
        if node.get("format") == "date":
            return TypeText(_("date (YYYY-MM-DD)"))
        words = {
            "string": _("text"),
            "integer": _("whole number"),
            "boolean": _("true or false"),
            "number": _("number"),
            "object": _("object"),
        }
        return TypeText(words.get(kind, kind or _("any")))

    def codes_of(self, node):
        """(code, label) of the codes a node takes, where it takes codes."""
        node = self.resolve(node)
        if node.get("type") == "array":
            return self.codes_of(node.get("items", {}))
        for variant in node.get("anyOf") or ():
            if variant.get("type") != "null":
                return self.codes_of(variant)
        values = node.get("enum")
        if not values:
            return []
        labels = self.labels.get(frozenset(values), {})
        return [(value, labels.get(value, "")) for value in values]

    def limits_of(self, node):
        """The bounds a parameter's value keeps to, in words."""
        node = self.resolve(node)
        if node.get("type") == "array":
            words = [_("at most %(count)s values") % {"count": node["maxItems"]}] if "maxItems" in node else []
            return words + self.limits_of(node.get("items", {}))
        words = []
        if "minimum" in node:
            words.append(_("at least %(value)s") % {"value": node["minimum"]})
        if "maximum" in node:
            words.append(_("at most %(value)s") % {"value": node["maximum"]})
        if "maxLength" in node:
            words.append(_("at most %(count)s characters") % {"count": node["maxLength"]})
        if "pattern" in node:
            words.append(_("of the form %(pattern)s") % {"pattern": node["pattern"]})
        return words

    def fields_of(self, name):
        node = self.components[name]
        required = set(node.get("required", ()))
        return [
            Field(
                name=field_name,
                type=self.type_of(field_node),
                required=field_name in required,
                description=translated(field_node.get("description", "")),
                codes=self.codes_of(field_node),
            )
            for field_name, field_node in node.get("properties", {}).items()
        ]

    def parameters_of(self, operation):
        parameters = []
        for parameter in operation.get("parameters", ()):
            node = parameter.get("schema", {})
            description = translated(parameter.get("description") or node.get("description", ""))
            limits = self.limits_of(node)
            if limits:
                description = f"{description} ({', '.join(limits)})" if description else ", ".join(limits)
            default = node.get("default")
            parameters.append(
                Field(
                    name=parameter["name"],
                    type=self.type_of(node),
                    required=parameter.get("required", False),
                    description=description,
                    codes=self.codes_of(node),
                    default="" if default in (None, []) else json.dumps(default, ensure_ascii=False),
                )
            )
        return parameters

    def example_of(self, node, depth=0):
        """An example of a value of `node`: the document's own example where it gives one, else a placeholder."""
        if "examples" in node:
            return node["examples"][0]
        if "$ref" in node:
            return self.example_of(self.resolve(node), depth)
        variants = node.get("anyOf") or node.get("oneOf")
        if variants:
            named = [variant for variant in variants if variant.get("type") != "null"]
            return self.example_of(named[0], depth) if named else None
        if "enum" in node:
            return node["enum"][0]
        kind = node.get("type")
        if kind == "object" or "properties" in node:
            if depth > 6:
                return {}
            return {name: self.example_of(value, depth + 1) for name, value in node.get("properties", {}).items()}
        if kind == "array":
            return [self.example_of(node.get("items", {}), depth + 1)]
        if node.get("format") == "date":
            return EXAMPLE_DATE
        return PLACEHOLDERS.get(kind)

    def operations(self, base):
        result = []
        for path, operations in self.schema.get("paths", {}).items():
            for method, operation in operations.items():
                identifier = operation.get("operationId", "")
                ok = operation["responses"]["200"]["content"]["application/json"]["schema"]
                address = path + EXAMPLE_QUERIES.get(identifier, "")
                for parameter in operation.get("parameters", ()):
                    examples = parameter.get("schema", {}).get("examples")
                    if parameter["in"] == "path" and examples:
                        address = address.replace(f"{{{parameter['name']}}}", str(examples[0]))
                result.append(
                    Operation(
                        anchor=identifier,
                        method=method.upper(),
                        path=path,
                        summary=translated(operation.get("summary", "")),
                        description=translated(operation.get("description", "")),
                        parameters=self.parameters_of(operation),
                        responses=[
                            (status, translated(response.get("description", "")))
                            for status, response in operation["responses"].items()
                        ],
                        result=self.type_of(ok),
                        example_url=f"{base}{address}",
                        example=json.dumps(self.example_of(ok), ensure_ascii=False, indent=2),
                    )
                )
        return result

    def types(self):
        return [
            {
                "name": name,
                "description": translated(node.get("description", "")),
                "fields": self.fields_of(name),
            }
            for name, node in sorted(self.components.items())
        ]


def translated(text):
    """A word of the OpenAPI document (English) in the active language, where the catalogue has it."""
    return _(text) if text else ""


class ApiDocumentationView(TemplateView):
    """The API's documentation, made from its OpenAPI document."""

    template_name = "api/documentation.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        schema = api.get_openapi_schema()
        reader = Reader(schema)
        base = self.request.build_absolute_uri("/").rstrip("/")
        title = _("Open data: the API")
        context.update(
            title=title,
            crumbs=[{"label": title}],
            description=translated(schema["info"].get("description", "")),
            openapi_url=reverse("api-v1:openapi-json"),
            api_url=self.request.build_absolute_uri("/api/v1/"),
            operations=reader.operations(base),
            types=reader.types(),
            problem_kinds=problems.KINDS,
            rate_limit=settings.API_RATE_LIMIT,
            rate_limit_window=settings.API_RATE_LIMIT_WINDOW,
            max_age=settings.PUBLIC_PAGE_MAX_AGE,
        )
        return context
