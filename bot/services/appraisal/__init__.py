"""The branch's year (issue 26): 谈心谈话, 民主评议党员, 组织生活会 整改清单 and 对照检查材料, 党员承诺."""
