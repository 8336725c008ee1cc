package store

import (
	"context"
	"strings"
)

// mariadbDeferrable lists, per table, one ALTER TABLE that drops the
// secondary indexes of a bulk load and one that builds them all again
// (several indexes added by one ALTER TABLE are built from one scan, by
// sorting). Left in place: the primary and unique keys, and every index whose
// leading columns are a foreign key's, which InnoDB needs to check that key.
// The definitions come from SHOW CREATE TABLE, word for word.
func (db *DB) mariadbDeferrable(ctx context.Context, tables []string) ([]deferrable, error) {
	var out []deferrable
	for _, t := range tables {
		var name, create string
		if err := db.sql.QueryRowContext(ctx, "SHOW CREATE TABLE `"+t+"`").Scan(&name, &create); err != nil {
			return nil, translate("defer indexes: "+t, err)
		}
		var drops, builds []string
		for _, key := range secondaryKeys(create) {
			drops = append(drops, "DROP KEY IF EXISTS `"+key.name+"`")
			builds = append(builds, "ADD KEY IF NOT EXISTS "+key.def)
		}
		if len(drops) > 0 {
			out = append(out, deferrable{
				drop:  "ALTER TABLE `" + t + "` " + strings.Join(drops, ", "),
				build: "ALTER TABLE `" + t + "` " + strings.Join(builds, ", "),
			})
		}
	}
	return out, nil
}

type secondaryKey struct {
	name string
	def  string // "`name` (`col`,...)" and any option after it
}

// secondaryKeys reads the plain (non-unique) keys of a SHOW CREATE TABLE that
// no foreign key needs.
func secondaryKeys(create string) []secondaryKey {
	var fks []string // each foreign key's column list, "`a`,`b`"
	var keys []secondaryKey
	var cols []string
	for _, line := range strings.Split(create, "\n") {
		line = strings.TrimSuffix(strings.TrimSpace(line), ",")
		if _, rest, ok := strings.Cut(line, "FOREIGN KEY ("); ok && strings.HasPrefix(line, "CONSTRAINT ") {
			if list, _, ok := strings.Cut(rest, ")"); ok {
				fks = append(fks, list)
			}
			continue
		}
		def, ok := strings.CutPrefix(line, "KEY `")
		if !ok {
			continue
		}
		name, rest, ok := strings.Cut(def, "` (")
		if !ok {
			continue
		}
		list, _, _ := strings.Cut(rest, ")")
		keys = append(keys, secondaryKey{name: name, def: "`" + def})
		cols = append(cols, list)
	}
	var out []secondaryKey
	for i, k := range keys {
		needed := false
		for _, fk := range fks {
			if cols[i] == fk || strings.HasPrefix(cols[i], fk+",") {
				needed = true
			}
		}
		if !needed {
			out = append(out, k)
		}
	}
	return out
}
