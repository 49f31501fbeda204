"""Awards (khen thưởng), one sub-package per sub-domain:

- `catalogue/`: award types with their rules as data and quotas (danh hiệu, hình thức)
- `eligibility/`: the pure rule engine (`engine.py`) and the reads that feed it
- `records/`: appraisals, initiatives, discipline, awards received; imports; the honour roll
- `nominations/`: nominations (đề nghị khen thưởng) and their dossiers' journey
- `councils/`: councils, meetings and the secret ballot
- `decisions/`: publication and objections, decisions, cash (`cash.py`), documents

`blueprints.py` holds the four URL blueprints the sub-domains' views share.
"""
