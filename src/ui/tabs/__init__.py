"""The page's tabs, one module each: customer, file, base, model."""
