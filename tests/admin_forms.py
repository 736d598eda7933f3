"""Build the POST data of an admin change form from its GET response, as a browser would submit it."""

import datetime


def _encode(value):
    if value is None:
        return None
    if isinstance(value, bool):
        return "on" if value else None
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()[:10] if isinstance(value, datetime.date) else value.isoformat()
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    return str(value)


def _form_fields(form, data):
    for name in form.fields:
        value = _encode(form[name].value())
        if value is not None:
            data[form.add_prefix(name)] = value


def admin_form_data(response):
    """Every field of the main form and of every inline, with the management forms."""
    data = {}
    _form_fields(response.context["adminform"].form, data)
    for inline in response.context.get("inline_admin_formsets", []):
        formset = inline.formset
        _form_fields(formset.management_form, data)
        for form in formset.forms:
            _form_fields(form, data)
    return data


def inline_prefix(response, model_name):
    for inline in response.context["inline_admin_formsets"]:
        if inline.formset.model._meta.model_name == model_name:
            return inline.formset.prefix
    raise LookupError(model_name)


def add_inline_row(data, prefix, **fields):
    """Append one new row to an inline in `data`, bumping its TOTAL_FORMS."""
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    for name, value in fields.items():
        data[f"{prefix}-{index}-{name}"] = value
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
