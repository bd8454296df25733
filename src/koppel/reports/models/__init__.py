from koppel.reports.models.exports import ExportJob

__all__ = ["ExportJob"]
