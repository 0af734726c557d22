// browser test comes next
