"""The pages of the one online entry (统一入口) and the workbenches: server-rendered HTML over the same rules
and the same route functions as the JSON API, so a page can never show or do more than the API allows."""
