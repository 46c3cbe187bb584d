"""Demo seeding (`duikou demo`): the seed plans, one account per role and some work done through the real
services. An app of its own, above every domain app it fills, so that core stays below them."""
