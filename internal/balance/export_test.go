package balance

// Loads tells tests how many times c counted a plan afresh.
func Loads(c *Checker) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.loads
}

// FromStored tells tests how many of those counts were built from the
// stored assignments, reading no geometry.
func FromStored(c *Checker) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lites
}
