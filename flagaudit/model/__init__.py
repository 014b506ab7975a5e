"""The project model: keys resolved across modules, wrappers, the call graph, entry points, constancy."""
