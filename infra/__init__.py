"""The floor between the model's vocabulary (``domain``) and the model: how runs are stored, where
processes run them, and what records where a result came from."""
