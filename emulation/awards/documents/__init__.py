"""Documents from templates (văn bản theo mẫu): the decision, the submission memo, the minutes,
the nomination list and the achievement reports, rendered from `.docx` templates (docxtpl)
that an issuing unit's organisers may replace."""
