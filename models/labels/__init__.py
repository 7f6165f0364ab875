"""Labels by area; models.i18n merges every module here into the one catalogue."""
