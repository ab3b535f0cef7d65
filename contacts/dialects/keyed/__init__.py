"""The keyed dialect (seeds 000 and 003): ``PUT /api/v2/contact`` addresses fields by numeric
field id and finds contacts by a key field."""
