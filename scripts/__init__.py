"""Turn the Amiens migration annex's data package into validated downloads and a public site."""
