"""Publication (công khai), objections, decisions (quyết định khen thưởng), cash and the
documents of the decision."""
