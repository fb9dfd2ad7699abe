"""Field readers: names, emails, titles, interests, phones and labelled values, each from text or a block."""
