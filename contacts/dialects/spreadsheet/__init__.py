"""The spreadsheet dialect: CSV and XLSX files in the native API's names (DESIGN §12)."""
