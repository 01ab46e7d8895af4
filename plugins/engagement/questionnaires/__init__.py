"""Questionnaire definitions (`content/questionnaires/<id>.yaml`): the files read and checked,
each question type's rules, and the normalised shape written to the manifest."""
