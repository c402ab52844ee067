"""The regulator's desk: supervision lists, worklist, finding rates and charts, spot checks, inspections, urgings and the open API."""
