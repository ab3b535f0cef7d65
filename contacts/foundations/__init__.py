"""What both the update engine and the nested kinds stand on: problems and their locations,
finding organization-owned rows by id or name, set-based SQL, and the protocol every nested
kind implements. Nothing here imports the engine, the nested kinds or the dialects."""
