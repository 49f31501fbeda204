"""Eligibility: `engine.py` judges records against rules (pure); `services.py` reads the
records of any number of people and units in a fixed number of queries."""
