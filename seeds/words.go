package seeds

import (
	"fmt"
	"math/rand/v2"
)

// faker draws the scale generator's names, companies, places and notes from
// the word lists below with one seeded random source, so a seed of N is the
// same company every time, on any engine and any machine.
//
// The lists are our own rather than gofakeit's, as LIBRARIES.md would have
// it: gofakeit's packages build their word maps and function tables when the
// program starts (about 4 ms of every launch, measured in BENCHMARKS.md,
// "Start-up"), a cost each command paid for a generator few ever run. A
// slice of constant strings is laid out by the linker and costs nothing
// until it is read.
type faker struct{ r *rand.Rand }

func newFaker(seed uint64) *faker {
	// Unlocked: one goroutine draws from it.
	return &faker{r: rand.New(rand.NewPCG(seed, seed))}
}

func (f *faker) IntN(n int) int         { return f.r.IntN(n) }
func (f *faker) Float64() float64       { return f.r.Float64() }
func (f *faker) pick(s []string) string { return s[f.r.IntN(len(s))] }

func (f *faker) FirstName() string { return f.pick(firstNames) }
func (f *faker) LastName() string  { return f.pick(lastNames) }
func (f *faker) City() string      { return f.pick(cities) }
func (f *faker) Note() string      { return f.pick(notes) }

// Phone is a French number without its country code: a landline (1 to 5)
// or a mobile (6, 7), in pairs as written in France.
func (f *faker) Phone() string {
	return fmt.Sprintf("%d %02d %02d %02d %02d", 1+f.r.IntN(7), f.r.IntN(100), f.r.IntN(100), f.r.IntN(100), f.r.IntN(100))
}

// Company is a family firm, a partnership or a trade name.
func (f *faker) Company() string {
	switch roll := f.r.IntN(20); {
	case roll < 12:
		return f.LastName() + " " + f.pick(companyForms)
	case roll < 17:
		return f.LastName() + " & " + f.LastName()
	default:
		return f.pick(eventAdjectives) + " " + f.pick(trades)
	}
}

// EventName is what a customer calls their event: "Midsummer Garden Gala".
func (f *faker) EventName() string {
	return f.pick(eventAdjectives) + " " + f.pick(eventNouns) + " " + f.pick(eventKinds)
}

var firstNames = []string{
	"Adèle", "Adrien", "Agathe", "Alexandre", "Alice", "Amélie", "Anaïs", "André", "Antoine", "Arthur",
	"Aurélie", "Baptiste", "Bastien", "Benjamin", "Bernard", "Camille", "Candice", "Céline", "Charles", "Charlotte",
	"Chloé", "Christophe", "Claire", "Clément", "Corentin", "Damien", "Daniel", "David", "Delphine", "Denis",
	"Diane", "Dominique", "Édouard", "Élise", "Émile", "Emma", "Éric", "Étienne", "Fabien", "Fanny",
	"Florence", "François", "Gabriel", "Gaëlle", "Geneviève", "Guillaume", "Hélène", "Henri", "Hugo", "Inès",
	"Isabelle", "Jacques", "Jeanne", "Jérôme", "Joseph", "Julia", "Julie", "Julien", "Juliette", "Laura",
	"Laurent", "Léa", "Léon", "Louis", "Louise", "Luc", "Lucas", "Lucie", "Manon", "Marc",
	"Margaux", "Marie", "Marine", "Mathieu", "Mathilde", "Maxime", "Mélanie", "Michel", "Nathalie", "Nicolas",
	"Noémie", "Océane", "Olivier", "Pascal", "Patrick", "Paul", "Pauline", "Philippe", "Pierre", "Quentin",
	"Raphaël", "Rémi", "Romain", "Sarah", "Sébastien", "Simon", "Solène", "Sophie", "Stéphane", "Sylvie",
	"Théo", "Thomas", "Valentin", "Valérie", "Victor", "Vincent", "Virginie", "Yann", "Yasmine", "Zoé",
	"Amira", "Carlos", "Elena", "Ewan", "Fatima", "Giulia", "Hannah", "Ines", "Jonas", "Karim",
	"Leila", "Lukas", "Mateo", "Nadia", "Noah", "Oscar", "Priya", "Ruben", "Sofia", "Yusuf",
}

// lastNames mixes French surnames with some from elsewhere; a few end in
// "son", which the customer-search benchmark looks for.
var lastNames = []string{
	"Arnaud", "Aubert", "Barbier", "Baron", "Benoît", "Bertin", "Blanc", "Bonnet", "Bouchard", "Boyer",
	"Brun", "Carpentier", "Carré", "Chevalier", "Clément", "Colin", "Collet", "Da Silva", "David", "Denis",
	"Deschamps", "Dubois", "Dufour", "Dumas", "Dupont", "Durand", "Fabre", "Faure", "Fleury", "Fontaine",
	"Fournier", "François", "Gaillard", "Garnier", "Gauthier", "Gérard", "Girard", "Giraud", "Guérin", "Guillot",
	"Henry", "Hubert", "Jacob", "Joly", "Lambert", "Laurent", "Leblanc", "Leclerc", "Lefebvre", "Lefèvre",
	"Legrand", "Lemaire", "Lemoine", "Leroy", "Lucas", "Marchand", "Marie", "Martin", "Masson", "Mathieu",
	"Mercier", "Meyer", "Michel", "Moreau", "Morel", "Morin", "Muller", "Noël", "Perrin", "Petit",
	"Picard", "Renard", "Rey", "Richard", "Rivière", "Robert", "Roche", "Roger", "Rousseau", "Roussel",
	"Roux", "Roy", "Schmitt", "Simon", "Thomas", "Vidal", "Vincent", "Adams", "Anderson", "Bauer",
	"Benson", "Carlsson", "Dawson", "Ferreira", "García", "Gibson", "Hansen", "Harrison", "Hudson", "Jackson",
	"Jensen", "Johnson", "Kowalski", "Larsson", "Martínez", "Morrison", "Nelson", "Nguyen", "Novak", "O'Brien",
	"Olsen", "Rossi", "Schneider", "Silva", "Thompson", "Watson", "Weber", "Wilson", "Yilmaz", "Zimmermann",
}

var companyForms = []string{
	"SARL", "SA", "SAS", "& Fils", "et Associés", "Groupe", "Conseil", "Industries", "Partners", "Holding",
	"Événements", "Distribution", "Technologies", "Immobilier", "Transports",
}

var trades = []string{
	"Architecture", "Assurances", "Boulangerie", "Communication", "Design", "Édition", "Énergie", "Finance",
	"Hôtellerie", "Informatique", "Laboratoires", "Logistique", "Média", "Pharma", "Studio", "Textile",
	"Tourisme", "Traiteur", "Vins", "Voyages",
}

var cities = []string{
	"Paris", "Marseille", "Lyon", "Toulouse", "Nice", "Nantes", "Montpellier", "Strasbourg", "Bordeaux", "Lille",
	"Rennes", "Reims", "Toulon", "Saint-Étienne", "Le Havre", "Grenoble", "Dijon", "Angers", "Nîmes", "Villeurbanne",
	"Clermont-Ferrand", "Le Mans", "Aix-en-Provence", "Brest", "Tours", "Amiens", "Limoges", "Annecy", "Perpignan", "Metz",
	"Besançon", "Orléans", "Rouen", "Mulhouse", "Caen", "Nancy", "Avignon", "Cannes", "La Rochelle", "Biarritz",
	"Bruxelles", "Genève", "Lausanne", "Luxembourg", "Monaco", "Londres", "Barcelone", "Milan", "Lisbonne", "Berlin",
}

var eventAdjectives = []string{
	"Golden", "Silver", "Midsummer", "Winter", "Spring", "Autumn", "Grand", "Royal", "Little", "Blue",
	"Green", "Crimson", "Starlit", "Sunset", "Northern", "Riverside", "Annual", "Secret", "Bright", "Quiet",
	"Open", "Wild", "Modern", "Classic", "Velvet",
}

var eventNouns = []string{
	"Garden", "Harbour", "Meadow", "Orchard", "Lighthouse", "Vineyard", "Castle", "Terrace", "Lantern", "Compass",
	"Horizon", "Summit", "Forest", "Island", "Bridge", "Atelier", "Library", "Market", "Pavilion", "Theatre",
	"Mill", "Canal", "Cellar", "Studio", "Academy",
}

var eventKinds = []string{"Gala", "Seminar", "Launch", "Party", "Conference", "Workshop", "Retreat", "Awards night"}

var notes = []string{
	"Vegetarian and vegan menus for a third of the guests.",
	"The customer wants the stage facing the windows.",
	"Parking for two coaches arriving at nine.",
	"Check the sound system the day before with the venue.",
	"Step-free access needed for two guests.",
	"Speakers arrive the evening before; book their rooms.",
	"No flowers with a strong scent in the main hall.",
	"Photographer confirmed; send the shot list on Monday.",
	"Late bar until two, security until three.",
	"Cloakroom staffed from the first arrival.",
	"Interpreter for the morning session, English to French.",
	"Badges printed with first names only.",
	"Rain plan: the marquee on the south lawn.",
	"Gluten-free desserts, labelled on the buffet.",
	"The venue closes its kitchen at eleven sharp.",
	"Live stream for the remote teams; test the connection.",
	"Gift bags handed out at the exit, not the entrance.",
	"Children's corner with two supervisors.",
	"Keep the first row for the board.",
	"Invoice the extra hour of the band separately.",
}
