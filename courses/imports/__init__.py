"""Import a Word document (.docx), an EPUB or a Common Cartridge into a new draft course.

Reading is kept apart from writing: courses.imports.readers turns an upload into a plain
`ImportedCourse` (after courses.imports.archives has checked the archive and every XML file in it),
and courses.imports.services writes the draft course from it in one transaction.
"""
