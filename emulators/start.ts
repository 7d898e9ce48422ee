// `npm run emulators`: both emulators in one process (amoCRM on 4010, MANGO OFFICE on 4020; ports by env).
import "./amocrm/cli";
import "./mango/cli";
