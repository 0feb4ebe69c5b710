"""A running-shop fitter's judge for the questionnaire pipeline (`python -m bench.judge`)."""
