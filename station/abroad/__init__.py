"""International mail: addresses by each country's rules, customs declarations and their forms, the export."""
