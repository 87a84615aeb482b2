"""The live guard's event sources: processes appearing and files arriving."""
