"""What every area uses: model base, audit, permissions, text, tabular import, xlsx, formatting."""
