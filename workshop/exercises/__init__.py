"""Practice exercises: question bank, grading that teaches, Moodle GIFT import/export."""
