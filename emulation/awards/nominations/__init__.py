"""Nominations (đề nghị khen thưởng): dossiers and their journey between levels."""
