"""The pages: a runner page at `/` and an operator dashboard at `/admin`.

Static HTML, CSS and JavaScript from this package (no build step, nothing fetched from outside the
service); the runner page's questions are rendered once at load time from the questionnaire models,
so the form always offers exactly the answers the API accepts.
"""
