"""Pure adapters: photos, media, uploads, exports and spreadsheets, geometry, PDFs, signatures."""
